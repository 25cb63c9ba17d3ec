package dev.gpuhub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** wrk Lua scripts: POST with a token, cycling over prepared bodies; GET with one extra header. */
final class LuaScripts {
  private LuaScripts() {}

  static Path cyclingPost(Path dir, String name, String token, List<String> bodies) throws IOException {
    StringBuilder lua = new StringBuilder();
    lua.append("wrk.method = \"POST\"\n");
    lua.append("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
    lua.append("wrk.headers[\"Authorization\"] = \"Bearer ").append(token).append("\"\n");
    lua.append("local bodies = {\n");
    for (String b : bodies) lua.append("  [=[").append(b).append("]=],\n");
    lua.append("}\n");
    lua.append("local n = #bodies\nlocal i = math.random(n)\n");
    lua.append("request = function()\n  i = i % n + 1\n  return wrk.format(nil, nil, nil, bodies[i])\nend\n");
    Path file = dir.resolve(name + ".lua");
    Files.writeString(file, lua);
    return file;
  }

  static Path getWithHeader(Path dir, String name, String header, String value) throws IOException {
    Path file = dir.resolve(name + ".lua");
    Files.writeString(file, "wrk.headers[\"" + header + "\"] = \"" + value + "\"\n");
    return file;
  }
}
