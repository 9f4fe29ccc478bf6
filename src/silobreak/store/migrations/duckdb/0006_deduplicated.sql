-- silobreak schema, version 6: a dataset may be declared deduplicated (one record per
-- entity, as a registry or a customer file is); resolution then never merges two of its
-- records and links it one to one with other such datasets.
ALTER TABLE datasets ADD COLUMN deduplicated BOOLEAN DEFAULT false;
