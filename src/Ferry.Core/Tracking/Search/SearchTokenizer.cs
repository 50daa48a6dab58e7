using System.Globalization;
using System.Text;

namespace Ferry.Core.Tracking.Search;

/// <summary>Splits a filter or order-by expression into tokens; quoting rules follow MLflow's search grammar.</summary>
internal static class SearchTokenizer
{
    public static List<SearchToken> Tokenize(string text)
    {
        var tokens = new List<SearchToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '(' || c == ')' || c == ',')
            {
                tokens.Add(new SearchToken(c == '(' ? SearchTokenKind.OpenParen : c == ')' ? SearchTokenKind.CloseParen : SearchTokenKind.Comma, c.ToString(), i));
                i++;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var start = i;
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                var op = two is "!=" or ">=" or "<=" or "<>" ? two : c.ToString();
                if (op == "!")
                {
                    throw Error($"unexpected '!' at position {start}");
                }

                tokens.Add(new SearchToken(SearchTokenKind.Operator, op == "<>" ? "!=" : op, start));
                i += op.Length;
            }
            else if (c is '\'' or '"')
            {
                var start = i;
                var value = ReadQuoted(text, ref i, c);
                tokens.Add(new SearchToken(SearchTokenKind.String, value, start));
            }
            else if (c == '`')
            {
                var start = i;
                tokens.Add(new SearchToken(SearchTokenKind.Identifier, ReadQuoted(text, ref i, '`'), start));
            }
            else if (char.IsDigit(c) || ((c == '-' || c == '+' || c == '.') && i + 1 < text.Length && (char.IsDigit(text[i + 1]) || text[i + 1] == '.')))
            {
                var start = i;
                i++;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] is '.' or 'e' or 'E' || (text[i] is '-' or '+' && text[i - 1] is 'e' or 'E')))
                {
                    i++;
                }

                var number = text[start..i];
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw Error($"'{number}' is not a number");
                }

                tokens.Add(new SearchToken(SearchTokenKind.Number, number, start));
            }
            else if (IsWordChar(c))
            {
                var start = i;
                while (i < text.Length && IsWordChar(text[i]))
                {
                    i++;
                }

                var word = text[start..i];
                if (word.EndsWith('.') && i < text.Length && text[i] is '`' or '"')
                {
                    // A type prefix followed by a quoted key: tags.`mlflow.runName`, metrics."my metric".
                    var key = ReadQuoted(text, ref i, text[i]);
                    tokens.Add(new SearchToken(SearchTokenKind.Identifier, key, start, word[..^1]));
                }
                else
                {
                    tokens.Add(new SearchToken(SearchTokenKind.Word, word, start));
                }
            }
            else
            {
                throw Error($"unexpected character '{c}' at position {i}");
            }
        }

        return tokens;
    }

    public static TrackingRequestException Error(string why) => new("Invalid search expression: " + why + ".");

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or ':' or '/' or '-';

    private static string ReadQuoted(string text, ref int i, char quote)
    {
        var start = i;
        var builder = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && (text[i + 1] == quote || text[i + 1] == '\\'))
            {
                builder.Append(text[i + 1]);
                i += 2;
            }
            else if (c == quote && i + 1 < text.Length && text[i + 1] == quote)
            {
                builder.Append(quote);
                i += 2;
            }
            else if (c == quote)
            {
                i++;
                return builder.ToString();
            }
            else
            {
                builder.Append(c);
                i++;
            }
        }

        throw Error($"unterminated quote starting at position {start}");
    }
}
