-- Tables the examples write to and read from (the "Examples: create the tables" task runs this through create-tables.mjs).
CREATE TABLE IF NOT EXISTS processed_orders (order_id text PRIMARY KEY, status text NOT NULL, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS intake_orders (order_id text PRIMARY KEY, status text NOT NULL, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS customers (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO customers (name, email, created_at)
SELECT 'Customer ' || n, 'customer' || n || '@example.test', now() - (n || ' days')::interval
FROM generate_series(1, 50) AS n
WHERE NOT EXISTS (SELECT 1 FROM customers);
