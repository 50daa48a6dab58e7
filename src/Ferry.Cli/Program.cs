using Ferry.Cli;
using Ferry.Cli.Commands;

return await CliRunner.RunAsync(new FerryRootCommand(), args);
