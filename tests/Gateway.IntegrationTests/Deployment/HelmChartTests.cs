using System.Text.RegularExpressions;
using Gateway.TestUtilities;
using YamlDotNet.RepresentationModel;

namespace Gateway.IntegrationTests.Deployment;

/// <summary>
/// What can be checked of the Helm chart without helm: values.yaml and the templates agree, every key
/// the templates read is documented, and the templates' blocks are balanced.
/// </summary>
public sealed partial class HelmChartTests
{
    private static readonly HelmChart Chart = HelmChart.Load(Repository.PathOf("charts/gateway"));

    [Fact]
    public void Templates_EveryValuesPath_ExistsInValuesYaml()
    {
        var missing = Chart.TemplatePaths()
            .Where(p => !Chart.HasPath(p.Key))
            .Select(p => $".Values{p.Key} (in {string.Join(", ", p.Value)})")
            .ToList();
        Assert.True(missing.Count == 0, "read by templates but not in values.yaml:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void ValuesYaml_EveryKey_IsUsedByATemplate()
    {
        // A key is used when a template reads it or a map above it (e.g. `toYaml .Values.gateway.resources`).
        var read = Chart.TemplatePaths().Keys.ToList();
        var unused = Chart.LeafPaths()
            .Select(p => p.Path)
            .Where(path => !read.Any(r => path == r || path.StartsWith(r + ".", StringComparison.Ordinal)))
            .ToList();
        Assert.True(unused.Count == 0, "in values.yaml but read by no template:\n" + string.Join('\n', unused));
    }

    [Fact]
    public void ValuesYaml_EveryKeyTemplatesRead_HasACommentAbove()
    {
        // Keys inside a map a template passes on whole (resources, securityContext, config) are
        // Kubernetes' or the gateway's own and documented there; the map itself is documented here.
        var read = Chart.TemplatePaths().Keys.ToHashSet(StringComparer.Ordinal);
        var undocumented = new List<string>();
        foreach (var (path, key, _) in Chart.ValuePaths())
        {
            var isRead = read.Contains(path) || read.Any(r => r.StartsWith(path + ".", StringComparison.Ordinal));
            if (!isRead)
            {
                continue;
            }

            var line = (int)key.Start.Line - 1;
            var above = line - 1;
            while (above >= 0 && Chart.ValuesLines[above].Trim().Length == 0)
            {
                above--;
            }

            if (above < 0 || !Chart.ValuesLines[above].TrimStart().StartsWith('#'))
            {
                undocumented.Add($"{path} (line {line + 1})");
            }
        }

        Assert.True(undocumented.Count == 0, "keys without a comment line above them:\n" + string.Join('\n', undocumented));
    }

    [Fact]
    public void Templates_ControlBlocks_AreBalanced()
    {
        foreach (var (file, text) in Chart.Templates)
        {
            var depth = 0;
            foreach (Match action in Action().Matches(text))
            {
                var word = action.Groups[1].Value;
                if (word is "if" or "range" or "with" or "define" or "block")
                {
                    depth++;
                }
                else if (word == "end")
                {
                    depth--;
                    Assert.True(depth >= 0, $"{file}: an {{{{ end }}}} without a block, at offset {action.Index}");
                }
            }

            Assert.True(depth == 0, $"{file}: {depth} block(s) not closed");
            Assert.Equal(Regex.Count(text, @"\{\{"), Regex.Count(text, @"\}\}"));
        }
    }

    [Fact]
    public void GatewayDeployment_Config_MountedAsAWatchedDirectoryFromTheConfigMap()
    {
        var deployment = Chart.Templates["deployment.yaml"];

        // A subPath mount never sees ConfigMap updates; a directory mount does, through polling.
        Assert.DoesNotContain("subPath", deployment, StringComparison.Ordinal);
        Assert.Matches(@"- name: Gateway__ConfigDirectory\s+value: /config", deployment);
        Assert.Matches(@"- name: DOTNET_USE_POLLING_FILE_WATCHER\s+value: ""true""", deployment);
        Assert.Matches(@"- name: config\s+mountPath: /config", deployment);
        Assert.Contains("name: {{ include \"gateway.fullname\" . }}-config", Chart.Templates["configmap.yaml"], StringComparison.Ordinal);
        Assert.Contains("gateway.json: |", Chart.Templates["configmap.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesYaml_DefaultConfig_IsAGatewayConfigurationDocument()
    {
        // The ConfigMap renders .Values.config as the gateway's JSON file, so its top level is the
        // "Gateway" section; the container test starts a gateway on it.
        var config = Assert.IsType<YamlMappingNode>(Chart.Values["config"]);
        var gateway = Assert.IsType<YamlMappingNode>(config["Gateway"]);
        Assert.Equal("false", ((YamlScalarNode)gateway["AllowDevelopmentKey"]).Value);
    }

    [GeneratedRegex(@"\{\{-?\s*(?:/\*.*?\*/\s*-?\}\}|(if|range|with|define|block|end|else)\b)", RegexOptions.Singleline)]
    private static partial Regex Action();
}
