using System.Globalization;
using CreditRisk.Training;
using Ferry.Client;

// dotnet run --project samples/CreditRisk/CreditRisk.Training -- [--server URL] [--token T] [--rows N] [--seed S] [--model NAME] [--experiment NAME]
//   [--dataset train.parquet] [--holdout holdout.parquet] [--run-id ID] [--invert-labels true]
// FERRY_URL and FERRY_TOKEN are read when the options are not given; the token falls back to ~/.ferry/admin.token.
// Run by a Ferry pipeline, it reads FERRY_DATASET_PATH, FERRY_HOLDOUT_PATH, MLFLOW_RUN_ID and FERRY_MODEL_NAME too.
var arguments = TrainingArguments.Parse(args);
if (arguments.Error is { } error)
{
    Console.Error.WriteLine("error: " + error);
    return 2;
}

using var ferry = new FerryClient(arguments.Server, arguments.Token);
try
{
    var result = await CreditRiskTrainer.TrainAsync(ferry, arguments.Options, Console.WriteLine);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Done: run {result.RunId}, AUC {result.Auc:F4}, accuracy {result.Accuracy:F4}, model '{result.ModelName}' version {result.Version}"));
    return 0;
}
catch (Exception e) when (e is FerryApiException or HttpRequestException or InvalidDataException or IOException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
