-- silobreak schema, version 3: state kept between resolution runs, for incremental runs.
CREATE TABLE resolve_fingerprints (
    record_key VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL
);

CREATE TABLE resolve_pairs (
    left_key VARCHAR NOT NULL,
    right_key VARCHAR NOT NULL,
    levels VARCHAR NOT NULL,
    evidence VARCHAR NOT NULL,
    conflict BOOLEAN NOT NULL
);
