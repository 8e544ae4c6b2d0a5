using System.Globalization;

namespace Gateway.Craft.Worker;

/// <summary>
/// Script run in every fresh engine before the tool. It removes globals that observe the host (garbage
/// collection, shared memory), caps the built-ins that most often build a huge string in one call (the engine's
/// memory limit is checked between statements; these caps give a precise error cheaply, and the worker's heap
/// cap stops every other built-in), and defines the function that turns a tool's return value into JSON.
/// </summary>
internal static class SandboxPrelude
{
    /// <summary>Globals removed from the engine: they observe the collector or share memory with other agents.</summary>
    public static readonly string[] RemovedGlobals = ["WeakRef", "FinalizationRegistry", "SharedArrayBuffer", "Atomics", "ShadowRealm"];

    public const string OutputFunction = "__craftOutput";
    public const string InputVariable = "__craftInput";

    public static string Create(int maxStringLength) => """
        'use strict';
        (() => {
          const MAX = __MAX__;
          for (const name of __REMOVED__) { delete globalThis[name]; }
          const define = (target, name, value) =>
            Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
          const tooLong = () => { throw new RangeError('String too long for the sandbox (at most ' + MAX + ' characters)'); };

          const repeat = String.prototype.repeat;
          define(String.prototype, 'repeat', function (count) {
            const s = String(this);
            if (s.length * Math.trunc(Number(count)) > MAX) tooLong();
            return repeat.call(s, count);
          });
          for (const name of ['padStart', 'padEnd']) {
            const pad = String.prototype[name];
            define(String.prototype, name, function (length, fill) {
              if (Number(length) > MAX) tooLong();
              return pad.call(this, length, fill);
            });
          }

          const join = Array.prototype.join;
          define(Array.prototype, 'join', function (separator) {
            const n = this.length >>> 0;
            const sep = separator === undefined ? ',' : String(separator);
            let total = n > 0 ? sep.length * (n - 1) : 0;
            if (total > MAX) tooLong();
            const parts = [];
            for (let i = 0; i < n; i++) {
              const v = this[i];
              const part = v === undefined || v === null ? '' : String(v);
              total += part.length;
              if (total > MAX) tooLong();
              parts.push(part);
            }
            return join.call(parts, sep);
          });

          const guardReplace = (replace, all) => function (pattern, replacement) {
            const s = String(this);
            if (typeof replacement === 'string' && replacement.length > 1) {
              const grow = replacement.includes('$') ? replacement.length * Math.max(1, s.length) : replacement.length;
              if (s.length + (s.length + 1) * grow > MAX) {
                let matches = 1;
                if (all || (pattern instanceof RegExp && pattern.global)) {
                  matches = pattern instanceof RegExp
                    ? (s.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g')) || []).length
                    : s.split(String(pattern)).length - 1;
                }
                if (s.length + matches * grow > MAX) tooLong();
              }
            }
            return replace.call(s, pattern, replacement);
          };
          define(String.prototype, 'replace', guardReplace(String.prototype.replace, false));
          define(String.prototype, 'replaceAll', guardReplace(String.prototype.replaceAll, true));

          const stringify = JSON.stringify;
          define(globalThis, '__OUTPUT__', (value) => {
            if (value === undefined) return ['bad', 'returned undefined; a tool must return a JSON value'];
            if (typeof value === 'function' || typeof value === 'symbol') return ['bad', 'returned a ' + typeof value + ', which is not JSON'];
            if (value !== null && typeof value === 'object' && typeof value.then === 'function') return ['bad', 'returned a Promise; tools must be synchronous'];
            let json;
            try { json = stringify(value); } catch (e) { return ['bad', 'the return value is not JSON: ' + e.message]; }
            return json === undefined ? ['bad', 'the return value is not JSON'] : ['ok', json];
          });
        })();
        """
        .Replace("__MAX__", maxStringLength.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("__REMOVED__", "[" + string.Join(", ", RemovedGlobals.Select(g => $"'{g}'")) + "]", StringComparison.Ordinal)
        .Replace("__OUTPUT__", OutputFunction, StringComparison.Ordinal);

    /// <summary>The call that ends a script: runs <paramref name="function"/> and hands its value to the output function.</summary>
    public static string Runner(string function, bool withArguments) => $$"""

        ;(() => {
          if (typeof {{function}} !== 'function') throw new ReferenceError('the code defines no function {{function}}');
          return {{OutputFunction}}({{function}}({{(withArguments ? $"JSON.parse({InputVariable})" : "")}}));
        })()
        """;
}
