using Gateway.Agents.ReWoo;

namespace Gateway.UnitTests.Agents;

public sealed class PlanParserTests
{
    [Fact]
    public void Parse_StructuredJson_StepsWithDependenciesFromReferences()
    {
        var plan = PlanParser.Parse("""
            {"steps":[{"id":"E1","tool":"search","input":"Edison birth year","plan":"find it"},
                      {"id":"E2","tool":"calculator","input":"2024 - #E1","plan":"subtract"}]}
            """, 8);

        Assert.Equal(2, plan.Count);
        Assert.Equal(("E1", "search", "Edison birth year", "find it"), (plan[0].Id, plan[0].Tool, plan[0].Input, plan[0].Plan));
        Assert.Empty(plan[0].DependsOn);
        Assert.Equal(["E1"], plan[1].DependsOn);
    }

    [Fact]
    public void Parse_PaperTextForm_PlansAndStepsPaired()
    {
        var plan = PlanParser.Parse("""
            Plan: Search for more information about Colorado orogeny.
            #E1 = Wikipedia[Colorado orogeny]
            Plan: Find out the elevation range of the eastern sector
              of the Colorado orogeny.
            #E2 = LLM[What is the elevation range of the eastern sector? Given context: #E1]
            """, 8);

        Assert.Equal(["Wikipedia", "LLM"], plan.Select(s => s.Tool));
        Assert.Equal("Find out the elevation range of the eastern sector of the Colorado orogeny.", plan[1].Plan);
        Assert.Equal("What is the elevation range of the eastern sector? Given context: #E1", plan[1].Input);
        Assert.Equal(["E1"], plan[1].DependsOn);
    }

    [Fact]
    public void Parse_TextInputWithBrackets_KeepsInnerBrackets()
    {
        var plan = PlanParser.Parse("#E1 = calculator[max([1, 2], 3)]", 8);

        Assert.Equal("max([1, 2], 3)", plan[0].Input);
    }

    [Fact]
    public void Parse_FencedJsonAndBareArray_Accepted()
    {
        Assert.Single(PlanParser.Parse("```json\n{\"steps\":[{\"tool\":\"clock\",\"input\":\"\"}]}\n```", 8));
        Assert.Single(PlanParser.Parse("[{\"tool\":\"clock\"}]", 8));
    }

    [Fact]
    public void Parse_TwelveSteps_E1NeverMatchesInsideE12()
    {
        var steps = Enumerable.Range(1, 11).Select(i => $"#E{i} = t[{i}]").Append("#E12 = t[#E12x #E1 and #E12]");
        var error = Assert.Throws<PlanParseException>(() => PlanParser.Parse(string.Join('\n', steps), 12));
        Assert.Contains("E12 refers to its own evidence", error.Message);

        var plan = PlanParser.Parse(string.Join('\n', Enumerable.Range(1, 12).Select(i => $"#E{i} = t[{i}]").Append("#E13 = t[#E12 then #E1]")), 13);
        Assert.Equal(["E12", "E1"], plan[12].DependsOn);
    }

    [Fact]
    public void Substitute_E1AndE12_EachReplacedByItsOwnEvidence()
    {
        var evidence = new Dictionary<string, string> { ["E1"] = "one", ["E12"] = "twelve" };

        Assert.Equal("twelve, one, twelve!", PlanParser.Substitute("#E12, #E1, #E12!", evidence));
        Assert.Equal("#E3 stays", PlanParser.Substitute("#E3 stays", evidence));
    }

    [Fact]
    public void Parse_JsonIdsMissingOrRepeated_NumberedByPosition()
    {
        var plan = PlanParser.Parse("""{"steps":[{"id":"E2","tool":"a","input":"x"},{"id":"E2","tool":"b","input":"#E1"}]}""", 8);

        Assert.Equal(["E1", "E2"], plan.Select(s => s.Id));
        Assert.Equal(["E1"], plan[1].DependsOn);
    }

    [Theory]
    [InlineData("", "no steps")]
    [InlineData("I think we should search.", "no steps")]
    [InlineData("{\"steps\":[]}", "no steps")]
    [InlineData("{\"steps\": [", "not valid JSON")]
    [InlineData("{\"plan\":[]}", "'steps' array")]
    [InlineData("{\"steps\":[{\"input\":\"x\"}]}", "has no 'tool'")]
    [InlineData("{\"steps\":[1]}", "not an object")]
    [InlineData("#E1 = a[x]\n#E1 = b[y]", "defines #E1 twice")]
    [InlineData("#E1 = a[#E2]", "refers to #E2, which the plan does not define")]
    [InlineData("#E1 = a[#E2]\n#E2 = b[#E1]", "cycle")]
    [InlineData("#E1 = a[1]\n#E2 = a[2]\n#E3 = a[3]", "3 steps; the limit is 2")]
    public void Parse_MalformedPlan_ClearError(string text, string expected)
    {
        var error = Assert.Throws<PlanParseException>(() => PlanParser.Parse(text, 2));

        Assert.Contains(expected, error.Message);
    }
}
