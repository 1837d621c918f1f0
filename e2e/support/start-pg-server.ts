import pg from 'pg';

/**
 * Starts the real server on a fresh PostgreSQL database, for the end-to-end specs that must
 * also pass on PostgreSQL (the default e2e server runs on PGlite). The database named in
 * E2E_PG_DATABASE is dropped and recreated on the server of DATABASE_URL.
 */
const admin = process.env.DATABASE_URL;
const name = process.env.E2E_PG_DATABASE ?? 'dream_e2e';
if (!admin) throw new Error('DATABASE_URL is required');
if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
const client = new pg.Client({ connectionString: admin });
await client.connect();
await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await client.query(`CREATE DATABASE ${name}`);
await client.end();
const url = new URL(admin);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
await import('../../src/server/main');
