using Ferry.Client;
using Ferry.Client.Mlflow;
using Ferry.Client.Tracking;

namespace Ferry.Cli.Commands.Experiments;

/// <summary>Finds an experiment by id (all digits) or by name, so every verb accepts either.</summary>
internal static class ExperimentResolver
{
    public static async Task<Experiment> ResolveAsync(FerryClient ferry, string nameOrId, CancellationToken cancellationToken)
    {
        if (nameOrId.Length > 0 && nameOrId.All(char.IsAsciiDigit))
        {
            try
            {
                return await ferry.Tracking.GetExperimentAsync(nameOrId, cancellationToken);
            }
            catch (FerryApiException e) when (MlflowErrorCodes.Is(e, MlflowErrorCodes.ResourceDoesNotExist))
            {
                // An experiment may be named "42": fall back to the name.
            }
        }

        return await ferry.Tracking.FindExperimentByNameAsync(nameOrId, cancellationToken)
            ?? throw new CliException(ExitCodes.NotFound, $"no experiment with id or name '{nameOrId}'");
    }
}
