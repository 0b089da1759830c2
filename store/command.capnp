# The replicated commands of the SQLite state machine: the bytes of a Raft log entry's data.
# store/command.h holds the plain C++ values; store/command.cc converts between the two.
# Evolve only by adding fields with new ordinals; never renumber or change a field's type.

@0xb6d41a8b284ce433;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("rq::store::wire");

# A statement parameter: JSON null, integer, number, boolean, string or blob (API.md §3.1).
struct Parameter {
  # Empty for a positional parameter; otherwise bound to :name, @name and $name.
  name @0 :Text;
  value :union {
    null @1 :Void;
    integer @2 :Int64;
    real @3 :Float64;
    boolean @4 :Bool;
    text @5 :Text;
    blob @6 :Data;
  }
}

struct Statement {
  sql @0 :Text;
  parameters @1 :List(Parameter);
  # Return rows on the execute path (statements with a RETURNING clause).
  forceQuery @2 :Bool;
}

# rqlite's Request: an ordered batch of statements.
struct Batch {
  statements @0 :List(Statement);
  transaction @1 :Bool;
  rollbackOnError @2 :Bool;
  # db_timeout in nanoseconds; 0 means none.
  dbTimeoutNanos @3 :Int64;
  # Row-set column names become table.column where SQLite knows the table (qualify_columns).
  qualifyColumns @4 :Bool;
}

struct Command {
  # The proposer's wall clock (Unix nanoseconds): SQLite's "now" while the command is applied.
  unixTimeNanos @0 :Int64;
  union {
    noop @1 :Void;
    execute @2 :Batch;
    query @3 :Batch;
    request @4 :Batch;
    # A whole SQLite database image.
    load @5 :Data;
  }
}
