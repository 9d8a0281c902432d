-- One role and one database per service (used by docker-compose's postgres on first start).
-- Passwords here are development values; production passwords come from secrets.
CREATE ROLE identity LOGIN PASSWORD 'identity-dev-password';
CREATE DATABASE glos_identity OWNER identity;
CREATE ROLE proposals LOGIN PASSWORD 'proposals-dev-password';
CREATE DATABASE glos_proposals OWNER proposals;
CREATE ROLE voting LOGIN PASSWORD 'voting-dev-password';
CREATE DATABASE glos_voting OWNER voting;
CREATE ROLE consultation LOGIN PASSWORD 'consultation-dev-password';
CREATE DATABASE glos_consultation OWNER consultation;
REVOKE ALL ON DATABASE glos_identity, glos_proposals, glos_voting, glos_consultation FROM PUBLIC;
