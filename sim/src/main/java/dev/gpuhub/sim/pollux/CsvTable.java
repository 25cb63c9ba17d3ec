package dev.gpuhub.sim.pollux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small comma-separated table with a header line (no quoting: the artifact's files have none).
 * Typed getters report the file and 1-based line of a bad value.
 */
final class CsvTable {
  private final Path file;
  private final Map<String, Integer> columns = new HashMap<>();
  private final List<String[]> rows = new ArrayList<>();
  private final List<Integer> lines = new ArrayList<>();

  private CsvTable(Path file) {
    this.file = file;
  }

  /** Reads {@code file}, which must have every column in {@code required}. */
  static CsvTable read(Path file, String... required) {
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw TraceDataException.in(file, "no such file");
    } catch (IOException e) {
      throw TraceDataException.in(file, "cannot read: " + e.getMessage());
    }
    CsvTable t = new CsvTable(file);
    int headerLine = -1;
    int width = 0;
    for (int i = 0; i < text.size(); i++) {
      String line = text.get(i).strip();
      if (line.isEmpty()) continue;
      String[] cells = line.split(",", -1);
      for (int c = 0; c < cells.length; c++) cells[c] = cells[c].strip();
      if (headerLine < 0) {
        headerLine = i + 1;
        width = cells.length;
        for (int c = 0; c < cells.length; c++) t.columns.put(cells[c], c);
        continue;
      }
      if (cells.length != width) {
        throw TraceDataException.at(file, i + 1, "expected " + width + " columns, found " + cells.length);
      }
      t.rows.add(cells);
      t.lines.add(i + 1);
    }
    if (headerLine < 0) throw TraceDataException.in(file, "empty file (no header line)");
    for (String col : required) {
      if (!t.columns.containsKey(col)) {
        throw TraceDataException.at(file, headerLine, "missing column '" + col + "' (header has " + t.columns.keySet() + ")");
      }
    }
    return t;
  }

  Path file() {
    return file;
  }

  int size() {
    return rows.size();
  }

  int line(int row) {
    return lines.get(row);
  }

  String text(int row, String column) {
    String v = rows.get(row)[columns.get(column)];
    if (v.isEmpty()) throw TraceDataException.at(file, line(row), "empty value in column '" + column + "'");
    return v;
  }

  double number(int row, String column) {
    String v = text(row, column);
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw TraceDataException.at(file, line(row), "column '" + column + "': '" + v + "' is not a number");
    }
    if (!Double.isFinite(d)) throw TraceDataException.at(file, line(row), "column '" + column + "': '" + v + "' is not finite");
    return d;
  }

  double positive(int row, String column) {
    double d = number(row, column);
    if (d <= 0) throw TraceDataException.at(file, line(row), "column '" + column + "': " + text(row, column) + " must be > 0");
    return d;
  }

  double nonNegative(int row, String column) {
    double d = number(row, column);
    if (d < 0) throw TraceDataException.at(file, line(row), "column '" + column + "': " + text(row, column) + " must be >= 0");
    return d;
  }

  /** A whole number; "12.0" is accepted (pandas writes some integer columns that way). */
  int integer(int row, String column, int min) {
    String v = text(row, column);
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw TraceDataException.at(file, line(row), "column '" + column + "': '" + v + "' is not a whole number");
    }
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
      throw TraceDataException.at(file, line(row), "column '" + column + "': '" + v + "' is not a whole number");
    }
    if (d < min) throw TraceDataException.at(file, line(row), "column '" + column + "': " + v + " must be >= " + min);
    return (int) d;
  }
}
