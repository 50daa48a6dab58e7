namespace Ferry.Cli;

/// <summary>The process exit codes of <c>ferry</c>; scripts may rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>Anything not covered below (a server error, a conflict, a failed start).</summary>
    public const int Failure = 1;

    /// <summary>The command line, a FERRY_* variable or the request was invalid (HTTP 400).</summary>
    public const int InvalidArguments = 2;

    /// <summary>No token, or the token is unknown, revoked, expired (HTTP 401) or its role is too low (HTTP 403).</summary>
    public const int Unauthorized = 3;

    /// <summary>The thing named does not exist (HTTP 404, or no database for <c>--offline</c>).</summary>
    public const int NotFound = 4;

    /// <summary><c>ferry audit verify</c> found a broken link in the audit chain.</summary>
    public const int AuditChainBroken = 5;

    /// <summary>The server could not be reached, did not answer in time, or answered 502/503/504.</summary>
    public const int ServerUnreachable = 6;
}
