CREATE TABLE `digest_deliveries` (
	`subscription_id` integer NOT NULL,
	`week` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`status` text NOT NULL,
	`nonce` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`channel_id` text,
	`thread_name` text,
	`thread_id` text,
	`message_id` text,
	`discourse_topic_id` integer,
	`detail` text,
	`planned_at` integer NOT NULL,
	`last_attempt_at` integer,
	`finished_at` integer,
	PRIMARY KEY(`subscription_id`, `week`),
	FOREIGN KEY (`subscription_id`) REFERENCES `digest_subscriptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digest_deliveries_nonce_unique` ON `digest_deliveries` (`nonce`);--> statement-breakpoint
CREATE INDEX `digest_deliveries_status_idx` ON `digest_deliveries` (`status`);--> statement-breakpoint
CREATE TABLE `digest_subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`target_key` text NOT NULL,
	`discord_user_id` text NOT NULL,
	`guild_id` text,
	`channel_id` text,
	`weekday` integer NOT NULL,
	`hour` integer NOT NULL,
	`timezone` text NOT NULL,
	`status` text NOT NULL,
	`disabled_reason` text,
	`disabled_at` integer,
	`notice_sent_at` integer,
	`active_from` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digest_subscriptions_target_unique` ON `digest_subscriptions` (`target_key`);--> statement-breakpoint
CREATE INDEX `digest_subscriptions_status_idx` ON `digest_subscriptions` (`status`);--> statement-breakpoint
CREATE INDEX `digest_subscriptions_user_idx` ON `digest_subscriptions` (`discord_user_id`);