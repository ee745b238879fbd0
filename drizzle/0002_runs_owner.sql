ALTER TABLE `ingestion_runs` ADD `pid` integer;--> statement-breakpoint
ALTER TABLE `ingestion_runs` ADD `process_instance` text;