using Ferry.Cli;
using Ferry.Cli.Commands;
using Ferry.Server.Telemetry;

StartupTimings.Mark("main");

return await CliRunner.RunAsync(new FerryRootCommand(), args);
