"""A small MCP server for the agent tests, written with the official `mcp` package: arithmetic, a lookup, a unit
conversion, a tool that always fails, and `unlock`, which adds a tool and says the list changed. `python mcp_tools_server.py` speaks MCP on stdio;
`python mcp_tools_server.py --http PORT` serves Streamable HTTP (JSON answers) on 127.0.0.1:PORT/mcp."""
import sys

from mcp.server.mcpserver import Context, MCPServer

server = MCPServer("ferry-test-tools")

CAPITALS = {"france": "Paris", "japan": "Tokyo", "egypt": "Cairo", "norway": "Oslo", "kenya": "Nairobi", "peru": "Lima"}
FACTORS = {("km", "mi"): 0.621371, ("mi", "km"): 1.609344, ("kg", "lb"): 2.204623, ("lb", "kg"): 0.453592, ("m", "ft"): 3.280840}


@server.tool(description="Adds two numbers and returns the sum.")
def add(a: float, b: float) -> str:
    total = a + b
    return str(int(total)) if total == int(total) else str(total)


@server.tool(description="Multiplies two numbers and returns the product.")
def multiply(a: float, b: float) -> str:
    product = a * b
    return str(int(product)) if product == int(product) else str(product)


@server.tool(description="The capital city of a country.")
def lookup_capital(country: str) -> str:
    capital = CAPITALS.get(country.strip().lower())
    if capital is None:
        raise ValueError(f"no capital known for {country}")
    return capital


@server.tool(description="Converts a value between units: km, mi, kg, lb, m, ft.")
def convert_units(value: float, from_unit: str, to_unit: str) -> str:
    factor = FACTORS.get((from_unit.lower(), to_unit.lower()))
    if factor is None:
        raise ValueError(f"cannot convert {from_unit} to {to_unit}")
    return f"{value * factor:.2f}"


@server.tool(description="Always fails (for tests).")
def broken() -> str:
    raise RuntimeError("the broken tool broke, as it always does")


def secret() -> str:
    """The tool that `unlock` adds."""
    return "the secret is 42"


@server.tool(description="Adds the `secret` tool, and tells the client that the tools changed.")
async def unlock(ctx: Context) -> str:
    server.add_tool(secret, description="Says the secret (added by unlock).")
    await ctx.session.send_tool_list_changed()
    return "unlocked: there is a new tool, secret"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]), json_response=True, stateless_http=True)
    else:
        server.run("stdio")
