-- One database per service: no service reads another's tables; they share events only.
-- Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d).
CREATE DATABASE intake;
CREATE DATABASE approval;
CREATE DATABASE supervision;
CREATE DATABASE linkage;
