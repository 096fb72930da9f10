-- A change a reviewer should look at twice.
ALTER TABLE users ADD COLUMN team_id bigint NOT NULL;
ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
CREATE INDEX users_team_id ON users (team_id);
ALTER TABLE users DROP COLUMN created_at;
