-- One database, one schema and one login role per service; each role can use only its schema
-- (the same layout as the local stack's devstack.postgres.ensure_service_role).
-- Passwords come from the environment of the compose "postgres" container (psql -v, init.sh).
CREATE ROLE inspection LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'inspection_password';
CREATE ROLE eldercare LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'eldercare_password';
CREATE ROLE charity LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'charity_password';
CREATE ROLE notify LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'notify_password';
CREATE ROLE views LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'views_password';

REVOKE ALL ON DATABASE minzheng FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE minzheng TO inspection, eldercare, charity, notify, views;
-- views keeps each projection's tables in a schema per generation (<schema>_<projection>_g<N>),
-- created and dropped by a rebuild: it alone may create schemas.
GRANT CREATE ON DATABASE minzheng TO views;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA inspection AUTHORIZATION inspection;
CREATE SCHEMA eldercare AUTHORIZATION eldercare;
CREATE SCHEMA charity AUTHORIZATION charity;
CREATE SCHEMA notify AUTHORIZATION notify;
CREATE SCHEMA views AUTHORIZATION views;

ALTER ROLE inspection IN DATABASE minzheng SET search_path = inspection;
ALTER ROLE eldercare IN DATABASE minzheng SET search_path = eldercare;
ALTER ROLE charity IN DATABASE minzheng SET search_path = charity;
ALTER ROLE notify IN DATABASE minzheng SET search_path = notify;
ALTER ROLE views IN DATABASE minzheng SET search_path = views;
