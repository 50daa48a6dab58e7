// The runtime starts, runs Main and exits: what any .NET program pays before its first line.
return 0;
