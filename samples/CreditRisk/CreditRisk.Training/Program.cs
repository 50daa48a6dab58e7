using System.Globalization;
using CreditRisk.Training;
using Ferry.Client;

// dotnet run --project samples/CreditRisk/CreditRisk.Training -- [--server URL] [--token T] [--rows N] [--seed S] [--model NAME] [--experiment NAME]
// FERRY_URL and FERRY_TOKEN are read when the options are not given; the token falls back to ~/.ferry/admin.token.
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
catch (Exception e) when (e is FerryApiException or HttpRequestException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
