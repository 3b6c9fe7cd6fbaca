-- One database, one schema and one login role per service; each role can use only its schema.
-- Passwords come from the environment of the compose "postgres" container (psql -v).
CREATE ROLE inspection LOGIN PASSWORD :'inspection_password';
CREATE ROLE eldercare LOGIN PASSWORD :'eldercare_password';
CREATE ROLE charity LOGIN PASSWORD :'charity_password';
CREATE ROLE notify LOGIN PASSWORD :'notify_password';
CREATE ROLE views LOGIN PASSWORD :'views_password';
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA inspection AUTHORIZATION inspection;
CREATE SCHEMA eldercare AUTHORIZATION eldercare;
CREATE SCHEMA charity AUTHORIZATION charity;
CREATE SCHEMA notify AUTHORIZATION notify;
CREATE SCHEMA views AUTHORIZATION views;
