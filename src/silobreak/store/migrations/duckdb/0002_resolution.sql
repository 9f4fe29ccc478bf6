-- silobreak schema, version 2: entity resolution (resolver, judgements, runs).
CREATE TABLE resolver (
    dataset VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    canonical_id VARCHAR NOT NULL,
    score DOUBLE,
    evidence VARCHAR,
    resolved_at TIMESTAMP NOT NULL
);

CREATE TABLE judgements (
    left_key VARCHAR NOT NULL,
    right_key VARCHAR NOT NULL,
    judgement VARCHAR NOT NULL,
    user_name VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE resolve_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    engine VARCHAR NOT NULL,
    records BIGINT NOT NULL,
    candidate_pairs BIGINT NOT NULL,
    merged_records BIGINT NOT NULL,
    clusters BIGINT NOT NULL,
    model VARCHAR NOT NULL
);
