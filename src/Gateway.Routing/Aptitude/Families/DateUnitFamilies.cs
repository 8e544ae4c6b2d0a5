using System.Globalization;

namespace Gateway.Routing.Aptitude.Families;

/// <summary>Calendar and clock arithmetic, and unit conversions (the factor is given where one is needed).</summary>
internal static class DateUnitFamilies
{
    private const string Iso = "yyyy-MM-dd";

    public static IReadOnlyList<AptitudeFamily> All { get; } =
    [
        new("day_of_week", "dates", "The weekday of a date between 1950 and 2049.", r =>
        {
            var date = RandomDate(r);
            return Ask.Text($"What day of the week is {Format(date, "d MMMM yyyy")}?", date.DayOfWeek.ToString());
        }),
        new("add_days", "dates", "The date a number of days after a given date.", r =>
        {
            var (date, days) = (RandomDate(r), r.Next(1, 400));
            return Ask.Text($"What is the date {days} days after {Format(date, Iso)}? Give it as YYYY-MM-DD.", Format(date.AddDays(days), Iso));
        }),
        new("days_between", "dates", "The number of days from one date to a later one.", r =>
        {
            var (from, days) = (RandomDate(r), r.Next(1, 1000));
            return Ask.Integer(
                $"How many days are there from {Format(from, Iso)} to {Format(from.AddDays(days), Iso)}? (From 2024-01-01 to 2024-01-03 is 2 days.)",
                days);
        }),
        new("leap_year", "dates", "Whether a year is a Gregorian leap year (century years included).", r =>
        {
            var year = r.Next(3) switch
            {
                0 => 100 * r.Next(16, 25),
                1 => 4 * r.Next(400, 600),
                _ => r.Next(1600, 2400),
            };
            return Ask.YesNo($"Is {year} a leap year in the Gregorian calendar?", DateTime.IsLeapYear(year));
        }),
        new("clock_add", "dates", "The time on a 24-hour clock after adding hours and minutes.", r =>
        {
            var start = new TimeOnly(r.Next(24), r.Next(60));
            var (hours, minutes) = (r.Next(0, 12), r.Next(1, 60));
            return Ask.Text(
                $"A 24-hour clock shows {Format(start, "HH:mm")}. What does it show {hours} hours and {minutes} minutes later? Give it as HH:MM.",
                Format(start.AddHours(hours).AddMinutes(minutes), "HH:mm"));
        }),
        new("km_to_miles", "units", "Kilometres to miles, given the factor, to one decimal.", r =>
        {
            var km = r.Next(1, 500);
            return Ask.Decimal($"Convert {km} km to miles (1 mile = 1.609344 km). Round to 1 decimal place.", km / 1.609344m, 1);
        }),
        new("celsius_to_fahrenheit", "units", "Degrees Celsius to Fahrenheit (whole results).", r =>
        {
            var celsius = 5 * r.Next(-8, 21);
            return Ask.Integer($"Convert {celsius} °C to °F.", (celsius * 9 / 5) + 32);
        }),
        new("kg_to_pounds", "units", "Kilograms to pounds, given the factor, to one decimal.", r =>
        {
            var kg = r.Next(1, 200);
            return Ask.Decimal($"Convert {kg} kg to pounds (1 kg = 2.20462 lb). Round to 1 decimal place.", kg * 2.20462m, 1);
        }),
        new("time_to_minutes", "units", "Hours and minutes to minutes.", r =>
        {
            var (hours, minutes) = (r.Next(1, 24), r.Next(1, 60));
            return Ask.Integer($"How many minutes are there in {hours} hours and {minutes} minutes?", (hours * 60) + minutes);
        }),
    ];

    private static DateOnly RandomDate(Random random) => new DateOnly(1950, 1, 1).AddDays(random.Next(365 * 100));

    private static string Format(DateOnly date, string format) => date.ToString(format, CultureInfo.InvariantCulture);

    private static string Format(TimeOnly time, string format) => time.ToString(format, CultureInfo.InvariantCulture);
}
