CREATE TABLE `alert_deliveries` (
	`discord_user_id` text NOT NULL,
	`day` text NOT NULL,
	`status` text NOT NULL,
	`nonce` text NOT NULL,
	`target` text NOT NULL,
	`channel_id` text,
	`message_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`detail` text,
	`planned_at` integer NOT NULL,
	`finished_at` integer,
	PRIMARY KEY(`discord_user_id`, `day`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_deliveries_nonce_unique` ON `alert_deliveries` (`nonce`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_status_idx` ON `alert_deliveries` (`status`);--> statement-breakpoint
CREATE TABLE `alert_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subscription_id` integer NOT NULL,
	`discord_user_id` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`detected_at` integer NOT NULL,
	`delivery_day` text,
	FOREIGN KEY (`subscription_id`) REFERENCES `alert_subscriptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_events_user_day_idx` ON `alert_events` (`discord_user_id`,`delivery_day`);--> statement-breakpoint
CREATE TABLE `alert_states` (
	`subscription_id` integer NOT NULL,
	`subject` text NOT NULL,
	`active` integer NOT NULL,
	`value` real,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`subscription_id`, `subject`),
	FOREIGN KEY (`subscription_id`) REFERENCES `alert_subscriptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `alert_subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`discord_user_id` text NOT NULL,
	`kind` text NOT NULL,
	`threshold` real NOT NULL,
	`rounds` integer,
	`target` text NOT NULL,
	`guild_id` text,
	`channel_id` text,
	`status` text NOT NULL,
	`disabled_reason` text,
	`disabled_at` integer,
	`baseline_at` integer,
	`last_check_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_subscriptions_user_kind_unique` ON `alert_subscriptions` (`discord_user_id`,`kind`);--> statement-breakpoint
CREATE INDEX `alert_subscriptions_status_idx` ON `alert_subscriptions` (`status`);