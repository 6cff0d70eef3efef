import type { Command } from "commander";
import { readMigrations } from "../db/migrate.js";
import { defaultTemplateDir, writeTemplate } from "../db/template.js";

export function addBuildTemplateCommand(program: Command): void {
  program
    .command("build-template")
    .description(
      "Write the embedded database's template: a new database with every migration applied, from which a new " +
        "data folder is copied at start instead of running initdb and the migrations. `npm run build` runs it.",
    )
    .option("-o, --output <dir>", "folder to write it to", defaultTemplateDir)
    .action(async (options: { output: string }) => {
      const migrations = await readMigrations();
      await writeTemplate(options.output, migrations);
      console.log(`Wrote the embedded database template (${migrations.length} migrations) to ${options.output}`);
    });
}
