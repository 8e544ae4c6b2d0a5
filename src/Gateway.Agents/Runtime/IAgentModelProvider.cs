using Microsoft.Extensions.AI;

namespace Gateway.Agents.Runtime;

/// <summary>
/// Gives a run its chat clients. The gateway's provider points each at its own front door, with the
/// caller's key and the role's <c>model</c> (a catalog name or <c>auto:&lt;profile&gt;</c>), so every
/// call is authenticated, limited, routed and metered like any other request.
/// </summary>
public interface IAgentModelProvider
{
    /// <summary>
    /// A chat client whose calls go to <paramref name="model"/> (a catalog name, <c>auto</c> or <c>auto:&lt;profile&gt;</c>).
    /// Called once per role per run; the client may be shared and is not disposed by the run.
    /// </summary>
    IChatClient GetChatClient(string model);
}
