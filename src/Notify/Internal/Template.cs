using System.Text;

namespace Socme.Notify.Internal;

/// <summary>A parsed <c>{{placeholder}}</c> template with <c>{{#section}}…{{/section}}</c> blocks.</summary>
internal sealed class Template
{
    private Template(IReadOnlyList<Node> nodes, IReadOnlyList<string> errors)
    {
        Nodes = nodes;
        Errors = errors;
    }

    public IReadOnlyList<Node> Nodes { get; }
    public IReadOnlyList<string> Errors { get; }

    internal abstract record Node;
    internal sealed record TextNode(string Text) : Node;
    internal sealed record ValueNode(string Name) : Node;
    internal sealed record SectionNode(string Name, IReadOnlyList<Node> Children) : Node;

    public static Template Parse(string text, IReadOnlySet<string> names, IReadOnlySet<string> sections)
    {
        var errors = new List<string>();
        var stack = new Stack<(string Name, List<Node> Nodes)>();
        var current = new List<Node>();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                current.Add(new TextNode(text[i..]));
                break;
            }
            if (open > i)
            {
                current.Add(new TextNode(text[i..open]));
            }
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                errors.Add($"Unclosed '{{{{' at position {open}.");
                break;
            }
            var tag = text[(open + 2)..close].Trim();
            i = close + 2;
            if (tag.StartsWith('#'))
            {
                var name = tag[1..].Trim();
                if (!sections.Contains(name))
                {
                    errors.Add($"Unknown section '{{{{#{name}}}}}'. Known: {string.Join(", ", sections.Order(StringComparer.Ordinal))}.");
                }
                else if (name == "alerts" && stack.Any(s => s.Name == "alerts"))
                {
                    errors.Add("'{{#alerts}}' cannot be nested in itself.");
                }
                stack.Push((name, current));
                current = [];
                i = SkipNewline(text, i);
            }
            else if (tag.StartsWith('/'))
            {
                var name = tag[1..].Trim();
                if (stack.Count == 0 || stack.Peek().Name != name)
                {
                    errors.Add($"'{{{{/{name}}}}}' closes no open section.");
                    continue;
                }
                var (open_, parent) = stack.Pop();
                parent.Add(new SectionNode(open_, current));
                current = parent;
                i = SkipNewline(text, i);
            }
            else if (tag.Length == 0)
            {
                errors.Add($"Empty placeholder at position {open}.");
            }
            else
            {
                if (!names.Contains(tag))
                {
                    errors.Add($"Unknown placeholder '{{{{{tag}}}}}'.");
                }
                current.Add(new ValueNode(tag));
            }
        }
        foreach (var (name, _) in stack)
        {
            errors.Add($"Section '{{{{#{name}}}}}' is not closed.");
        }
        while (stack.Count > 0)
        {
            var (name, parent) = stack.Pop();
            parent.Add(new SectionNode(name, current));
            current = parent;
        }
        return new Template(current, errors);
    }

    private static int SkipNewline(string text, int i)
    {
        if (i < text.Length && text[i] == '\n')
        {
            return i + 1;
        }
        return i + 1 < text.Length && text[i] == '\r' && text[i + 1] == '\n' ? i + 2 : i;
    }

    /// <summary>Renders with a value lookup and a section expander (which yields one scope per repetition).</summary>
    public void Render(StringBuilder sb, Func<string, string> value, Func<string, IEnumerable<Func<string, string>?>> section) =>
        Render(sb, Nodes, value, section);

    private static void Render(StringBuilder sb, IReadOnlyList<Node> nodes, Func<string, string> value,
        Func<string, IEnumerable<Func<string, string>?>> section)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode t:
                    sb.Append(t.Text);
                    break;
                case ValueNode v:
                    sb.Append(value(v.Name));
                    break;
                case SectionNode s:
                    foreach (var scope in section(s.Name))
                    {
                        Render(sb, s.Children, scope ?? value, section);
                    }
                    break;
            }
        }
    }
}
