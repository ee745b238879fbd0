CREATE TABLE `ingestion_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`params` text NOT NULL,
	`status` text NOT NULL,
	`cursor` text,
	`units_total` integer DEFAULT 0 NOT NULL,
	`units_done` integer DEFAULT 0 NOT NULL,
	`rows_written` integer DEFAULT 0 NOT NULL,
	`error` text,
	`requested_by` text,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `ingestion_runs_kind_status_idx` ON `ingestion_runs` (`kind`,`status`);--> statement-breakpoint
CREATE TABLE `model_rounds` (
	`model_id` text NOT NULL,
	`round_number` integer NOT NULL,
	`at_risk` text,
	`corr_multiplier` real,
	`mmc_multiplier` real,
	`payout_factor` text,
	`payout_pending` text,
	`payout_settled` text,
	`target` text,
	`resolved` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`model_id`, `round_number`),
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_rounds_round_idx` ON `model_rounds` (`round_number`);--> statement-breakpoint
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`tournament` integer NOT NULL,
	`source` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `models_tournament_name_unique` ON `models` (`tournament`,`name`);--> statement-breakpoint
CREATE TABLE `registrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`discord_user_id` text NOT NULL,
	`model_id` text NOT NULL,
	`declared_weight` real,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_user_model_unique` ON `registrations` (`discord_user_id`,`model_id`);--> statement-breakpoint
CREATE INDEX `registrations_model_idx` ON `registrations` (`model_id`);--> statement-breakpoint
CREATE TABLE `rounds` (
	`tournament` integer NOT NULL,
	`number` integer NOT NULL,
	`open_time` integer,
	`resolve_time` integer,
	`resolved` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`tournament`, `number`)
);
--> statement-breakpoint
CREATE TABLE `scores` (
	`model_id` text NOT NULL,
	`round_number` integer NOT NULL,
	`name` text NOT NULL,
	`value` real,
	`percentile` real,
	`day` integer,
	`date` integer,
	`resolved` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`model_id`, `round_number`, `name`),
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `server_opt_ins` (
	`guild_id` text NOT NULL,
	`discord_user_id` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`guild_id`, `discord_user_id`)
);
--> statement-breakpoint
CREATE TABLE `user_settings` (
	`discord_user_id` text PRIMARY KEY NOT NULL,
	`weight_source` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
