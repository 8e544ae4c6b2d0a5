namespace Gateway.Redis.Limits;

/// <summary>Spend as integer micro-dollars, so Redis adds it exactly.</summary>
internal static class Micros
{
    private const decimal PerUsd = 1_000_000m;

    public static long FromUsd(decimal usd) => (long)decimal.Round(usd * PerUsd, MidpointRounding.AwayFromZero);

    public static decimal ToUsd(long micros) => micros / PerUsd;
}
