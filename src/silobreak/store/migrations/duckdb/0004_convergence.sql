-- silobreak schema, version 4: convergence analysis results, per view (the organization the
-- graph was built for, '' for the system view).
CREATE TABLE convergence (
    view VARCHAR NOT NULL,
    canonical_id VARCHAR NOT NULL,
    schema VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    entity_score DOUBLE NOT NULL,
    network_id VARCHAR,
    domains VARCHAR[] NOT NULL,
    orgs VARCHAR[] NOT NULL,
    datasets VARCHAR[] NOT NULL,
    explanation VARCHAR NOT NULL
);

CREATE TABLE networks (
    view VARCHAR NOT NULL,
    network_id VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    domains VARCHAR[] NOT NULL,
    orgs VARCHAR[] NOT NULL,
    members VARCHAR[] NOT NULL,
    brokers VARCHAR[] NOT NULL
);

CREATE TABLE analysis_runs (
    run_id VARCHAR PRIMARY KEY,
    view VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    nodes BIGINT NOT NULL,
    edges BIGINT NOT NULL,
    convergent BIGINT NOT NULL,
    networks BIGINT NOT NULL,
    signature VARCHAR NOT NULL
);
