-- PostgreSQL roles for icommit: an owner that runs migrations and owns the tables, and a
-- runtime role for the web server and the background workers that may only append to the
-- audit tables (no UPDATE, DELETE or TRUNCATE on core_auditevent and core_auditdetail).
--
-- Set-up, as a superuser:
--
--   createuser --pwprompt icommit_owner
--   createuser --pwprompt icommit_app
--   createdb --owner icommit_owner icommit
--   DATABASE_URL=postgres://icommit_owner@host/icommit icommit migrate
--   psql -v ON_ERROR_STOP=1 -d icommit -f deploy/postgres-roles.sql
--
-- Run the script again after every `icommit migrate` (it is idempotent). The web server and
-- the background workers (`icommit qcluster`) then use DATABASE_URL=postgres://icommit_app@...

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'icommit_owner') THEN
        CREATE ROLE icommit_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'icommit_app') THEN
        CREATE ROLE icommit_app LOGIN;
    END IF;
END $$;

-- The owner creates the tables; nobody else may create anything in the schema.
GRANT USAGE, CREATE ON SCHEMA public TO icommit_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- BEGIN RUNTIME GRANTS (tests/core/test_audit_chain.py applies this block to a temporary role)
GRANT USAGE ON SCHEMA public TO icommit_app;

-- Everything the application reads and writes, including core_audithead: every audit append
-- locks the head row (SELECT ... FOR UPDATE needs UPDATE) and moves it on.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO icommit_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO icommit_app;

-- The audit tables are append-only for the application. The triggers of migration
-- core.0002 say the same, but any role may switch on their purge setting; without the
-- privilege that switch is of no use to a compromised application account.
DO $$
BEGIN
    IF to_regclass('core_auditevent') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent FROM icommit_app;
    END IF;
    IF to_regclass('core_auditdetail') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON core_auditdetail FROM icommit_app;
    END IF;
END $$;

-- Tables and sequences the owner creates later get the same grants. A future audit table
-- would get UPDATE and DELETE too: add it to the REVOKE above and run this script again.
ALTER DEFAULT PRIVILEGES FOR ROLE icommit_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO icommit_app;
ALTER DEFAULT PRIVILEGES FOR ROLE icommit_owner IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO icommit_app;
-- END RUNTIME GRANTS
