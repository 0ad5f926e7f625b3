-- One database per service: no shared tables.
CREATE DATABASE relais_directory;
CREATE DATABASE relais_diagnostic;
CREATE DATABASE relais_referral;
CREATE DATABASE relais_notification;
CREATE DATABASE relais_reporting;
