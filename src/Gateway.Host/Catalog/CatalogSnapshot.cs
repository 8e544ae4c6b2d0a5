using System.Collections.Frozen;

namespace Gateway.Host.Catalog;

/// <summary>An immutable view of the model catalog; replaced whole on reload.</summary>
internal sealed class CatalogSnapshot
{
    public CatalogSnapshot(IEnumerable<CatalogModel> models)
    {
        Models = models.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();
        ByName = Models.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<CatalogModel> Models { get; }

    public FrozenDictionary<string, CatalogModel> ByName { get; }

    public bool TryGet(string name, out CatalogModel model) => ByName.TryGetValue(name, out model!);
}
