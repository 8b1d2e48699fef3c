// Command ferretdb runs FerretDB 1.24 embedded, so the project has a real MongoDB-protocol server without Docker or
// a mongod binary: on SQLite files under -data (npm start, the tests), or with -postgresql-url on a PostgreSQL
// database (the cluster mode, whose PostgreSQL already holds Temporal's data). Both backends are built in (FerretDB's
// default build tags).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "address to listen on")
	dataDir := flag.String("data", "./data/ferretdb", "directory for SQLite files")
	// WAL with synchronous=NORMAL, as the Temporal dev server's sqlite runs here: a commit survives a crash of any
	// process and loses nothing short of a power cut or kernel crash; FULL fsyncs every write (a third more CPU each).
	synchronous := flag.String("synchronous", "normal", "SQLite synchronous pragma: normal or full")
	postgresqlURL := flag.String("postgresql-url", "", "PostgreSQL URL (postgres://user:password@host:port/database): the PostgreSQL backend instead of SQLite; -data is then unused")
	flag.Parse()

	if *synchronous != "normal" && *synchronous != "full" {
		log.Fatalf("--synchronous must be normal or full, not %q", *synchronous)
	}

	config := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}}
	var where string
	if *postgresqlURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresqlURL
		where = "PostgreSQL"
	} else {
		dir, err := filepath.Abs(*dataDir)
		if err != nil {
			log.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + dir + "/?_pragma=synchronous(" + *synchronous + ")"
		where = "SQLite in " + dir
	}

	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	fmt.Printf("ferretdb listening on %s (%s)\n", *listen, where)
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
