-- silobreak schema, version 5: the transaction table. Rows carry their dataset's owner and
-- marking, so the statement policy applies to them unchanged.
CREATE TABLE transactions (
    dataset VARCHAR NOT NULL,
    id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    amount DOUBLE NOT NULL,
    currency VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    is_laundering BOOLEAN,
    org VARCHAR NOT NULL,
    marking VARCHAR NOT NULL,
    handling VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);
