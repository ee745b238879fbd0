import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "drizzle/", "node_modules/", "out/", "data/", "coverage/", "bin/", "tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
  // The layering, enforced: commands/ → src/services, src/discord; src/services → src/analytics,
  // src/db, src/numerai (never discord.js); src/analytics → nothing of the app.
  {
    files: ["src/analytics/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["discord.js", "@discordjs/*", "drizzle-orm", "drizzle-orm/*", "better-sqlite3", "undici", "node-cron", "pino", "zod"], message: "src/analytics is pure: no libraries with I/O or app concerns." },
            { group: ["../*", "../**", "!./*"], message: "src/analytics imports only its own files (./x.js): nothing of the app." },
          ],
        },
      ],
      "no-restricted-globals": ["error", "process"],
    },
  },
  {
    files: ["src/services/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["discord.js", "@discordjs/*", "**/discord/**", "**/discord/*"], message: "Services return plain data: no discord.js and nothing of src/discord." }] },
      ],
    },
  },
  {
    files: ["commands/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/src/db/**", "**/src/db/*", "drizzle-orm", "drizzle-orm/*", "better-sqlite3"], message: "Commands call one service; the database is the services' business." }] },
      ],
    },
  },
  {
    files: ["src/cli/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "src/discord/deploy.ts", "src/shell/**/*.ts"],
    rules: { "no-console": "off" },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
);
