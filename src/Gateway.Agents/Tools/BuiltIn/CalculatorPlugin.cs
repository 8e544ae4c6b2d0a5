using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace Gateway.Agents.Tools.BuiltIn;

/// <summary>The <c>calculator</c> tool.</summary>
internal sealed class CalculatorPlugin
{
    [KernelFunction("calculator")]
    [Description("Evaluates an arithmetic expression, e.g. (3 + 4) * 2 ^ 3 / sqrt(16). Supports + - * / % ^, parentheses, pi, e, sqrt, abs, ln, log10, exp, sin, cos, tan, floor, ceil, round, pow, min, max.")]
    public static string Calculate([Description("The expression to evaluate")] string expression) =>
        ExpressionEvaluator.Evaluate(expression).ToString("G15", CultureInfo.InvariantCulture);
}
