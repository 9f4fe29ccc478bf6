-- silobreak schema, version 7: each compared pair keeps the probability the run gave it, so
-- that `silobreak why` can say why two records were, or were not, merged (rows of earlier
-- runs have none until the next run).
ALTER TABLE resolve_pairs ADD COLUMN probability DOUBLE;
