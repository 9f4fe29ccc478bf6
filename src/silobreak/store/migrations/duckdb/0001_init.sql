-- silobreak schema, version 1: organizations, datasets, loads, statements, quarantine.
CREATE TABLE orgs (
    name VARCHAR PRIMARY KEY,
    sector VARCHAR NOT NULL,
    country VARCHAR,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE datasets (
    name VARCHAR PRIMARY KEY,
    org VARCHAR NOT NULL,
    domains VARCHAR[] NOT NULL,
    marking VARCHAR NOT NULL,
    handling VARCHAR NOT NULL,
    source_grade VARCHAR,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE loads (
    load_id VARCHAR PRIMARY KEY,
    dataset VARCHAR NOT NULL,
    org VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    entities BIGINT NOT NULL DEFAULT 0,
    statements_new BIGINT NOT NULL DEFAULT 0,
    statements_seen BIGINT NOT NULL DEFAULT 0,
    quarantined BIGINT NOT NULL DEFAULT 0
);

-- No primary key on purpose: an ART index over millions of statement ids costs memory on
-- every load; uniqueness is kept by the loader's anti-join under DuckDB's single-writer lock.
CREATE TABLE statements (
    id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    schema VARCHAR NOT NULL,
    prop VARCHAR NOT NULL,
    prop_type VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    original_value VARCHAR,
    lang VARCHAR,
    external BOOLEAN NOT NULL DEFAULT FALSE,
    org VARCHAR NOT NULL,
    origin VARCHAR,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    marking VARCHAR NOT NULL,
    handling VARCHAR NOT NULL,
    source_grade VARCHAR,
    retention_until DATE,
    load_id VARCHAR NOT NULL
);

CREATE TABLE quarantine (
    id VARCHAR PRIMARY KEY,
    load_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    org VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    line BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    raw VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
