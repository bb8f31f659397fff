// The JSON Schema of tfrun's report (report.cpp writes it; docs/tfrun.md explains it).

#include "report.hpp"

namespace tfrun {

const char* report_schema() {
  return R"json({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://github.com/libterraform-cpp/libterraform-cpp/tfrun-report-3.schema.json",
  "title": "tfrun report",
  "description": "One run of one terraform command across a tree of modules (tfrun --report).",
  "type": "object",
  "required": ["schema_version", "command", "arguments", "root", "started", "ended", "exit_code", "cancelled",
               "dry_run", "order", "modules"],
  "additionalProperties": false,
  "properties": {
    "schema_version": {"const": 3},
    "command": {"type": "string", "description": "The command method run in each module."},
    "arguments": {
      "description": "The arguments passed to terraform after the command's own (tfrun ... -- ARGS).",
      "type": "array",
      "items": {"type": "string"}
    },
    "root": {"type": "string", "description": "The module tree's directory, absolute (--root, canonical)."},
    "started": {"$ref": "#/$defs/time"},
    "ended": {"$ref": "#/$defs/time"},
    "exit_code": {
      "enum": [0, 1, 2],
      "description": "1: a module failed or was cancelled; else 2: a module has changes (-detailed-exitcode); else 0."
    },
    "cancelled": {"type": "boolean", "description": "The run was interrupted (Ctrl-C, SIGTERM)."},
    "dry_run": {"type": "boolean"},
    "order": {
      "description": "The selected modules by level: each depends only on selected modules of earlier levels.",
      "type": "array",
      "items": {"type": "array", "minItems": 1, "items": {"type": "string"}}
    },
    "modules": {"type": "array", "items": {"$ref": "#/$defs/module"}}
  },
  "$defs": {
    "time": {
      "description": "UTC, RFC 3339 with milliseconds.",
      "type": "string",
      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"
    },
    "optional_time": {"oneOf": [{"$ref": "#/$defs/time"}, {"type": "null"}]},
    "optional_ms": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]},
    "module": {
      "type": "object",
      "required": ["name", "directory", "result", "reason", "error_code", "stopped_by", "cause",
                   "submitted", "started", "ended", "queued_ms", "duration_ms", "exit_code",
                   "changes_present", "changes", "diagnostics"],
      "additionalProperties": false,
      "properties": {
        "name": {"type": "string", "description": "Its path relative to the root; '.' for the root."},
        "directory": {"type": "string"},
        "result": {
          "enum": ["pending", "queued", "running", "succeeded", "failed", "skipped", "cancelled",
                   "excluded"]
        },
        "reason": {"type": "string", "description": "Why it failed, was skipped or cancelled; empty otherwise."},
        "error_code": {
          "description": "Failed or cancelled: the library's error code (command_failed, timed_out, worker_died, pool_shut_down, cancelled, interrupted, ...), or category:value for another category.",
          "oneOf": [{"type": "string", "pattern": "^[a-z_]+$|^[^:]+:-?[0-9]+$"}, {"type": "null"}]
        },
        "stopped_by": {
          "description": "Skipped or cancelled: why, as a value; null otherwise.",
          "enum": ["dependency_failed", "fail_fast", "run_cancelled", "dependency_cancelled",
                   "pool", "interrupt", null]
        },
        "cause": {"type": ["string", "null"], "description": "The module that led to a skip or cancel."},
        "submitted": {"$ref": "#/$defs/optional_time", "description": "Handed to the pool: its dependencies let it go."},
        "started": {"$ref": "#/$defs/optional_time", "description": "terraform started (a worker took it); null if it never did."},
        "ended": {"$ref": "#/$defs/optional_time", "description": "terraform ended; null if it never started."},
        "queued_ms": {"$ref": "#/$defs/optional_ms", "description": "started - submitted."},
        "duration_ms": {"$ref": "#/$defs/optional_ms", "description": "ended - started."},
        "exit_code": {"type": ["integer", "null"], "description": "terraform's; -N for signal N."},
        "changes_present": {"type": "boolean", "description": "It exited 2 under -detailed-exitcode."},
        "changes": {
          "oneOf": [
            {
              "type": "object",
              "required": ["add", "change", "import", "destroy"],
              "additionalProperties": false,
              "properties": {
                "add": {"type": "integer", "minimum": 0},
                "change": {"type": "integer", "minimum": 0},
                "import": {"type": "integer", "minimum": 0},
                "destroy": {"type": "integer", "minimum": 0}
              }
            },
            {"type": "null"}
          ]
        },
        "diagnostics": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["severity", "summary", "detail", "address", "filename", "line"],
            "additionalProperties": false,
            "properties": {
              "severity": {"enum": ["error", "warning"]},
              "summary": {"type": "string"},
              "detail": {"type": "string"},
              "address": {"type": "string"},
              "filename": {"type": "string"},
              "line": {"type": "integer"}
            }
          }
        }
      }
    }
  }
}
)json";
}

}  // namespace tfrun
