"""Reports: self-contained HTML pages with charts, written from what a viewer may see."""
