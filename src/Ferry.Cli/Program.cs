using Ferry.Cli;
using Ferry.Cli.Commands;
using Ferry.Server.Hosting;

StartupTimings.Mark("main");

return await CliRunner.RunAsync(new FerryRootCommand(), args);
