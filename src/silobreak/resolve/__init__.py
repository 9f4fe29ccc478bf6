"""Entity resolution: names, identifiers, blocking, scoring, clustering and judgements."""
