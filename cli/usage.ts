/** Usage texts, worded after Kapacitor 1.8's `kapacitor` CLI (cmd/kapacitor/main.go). */
import { USAGE_EXPORT, USAGE_RECORD, USAGES_RECORD, USAGE_REPLAY } from './recordings.ts';

export const MAIN_USAGE = `Usage: kapacitor [options] [command] [args]

Commands:

	record                Record the result of a query or a snapshot of the current stream data.
	define                Create/update a task.
	define-template       Create/update a template.
	replay                Replay a recording to a task.
	enable                Enable and start running a task with live data.
	disable               Stop running a task.
	reload                Reload a running task with an updated task definition.
	export-recording      (tickstream) Print a recording as line protocol.
	delete                Delete tasks, templates, recordings or replays.
	list                  List information about tasks, templates, recordings or replays.
	show                  Display detailed information about a task.
	show-template         Display detailed information about a template.
	level                 Sets the logging level on the kapacitord server.
	stats                 Display various stats about Kapacitor.
	version               Displays the Kapacitor version info.
	vars                  Print debug vars in JSON format.
	help                  Prints help for a command.

Options:
  -skipVerify
    	Disable SSL verification (note, this is insecure). Defaults to false.
  -url string
    	The URL http(s)://host:port of the kapacitord server. Defaults to the KAPACITOR_URL environment variable or http://localhost:9092 if not set.
`;

export const USAGES: Record<string, string> = {
  define: `Usage: kapacitor define <task ID> [-tick <path>] [-type <stream|batch>] [-dbrp <db.rp>]... [-template <template ID>] [-vars <path>] [-file <path>] [-no-reload]

	Create or update a task.

	A task is defined via a TICKscript that defines the data processing pipeline of the task,
	or via a template and a set of vars.

	If an option is absent it will be left unmodified.
	If the task is enabled then it will be reloaded unless -no-reload is given.

Options:
  -dbrp value
    	A database and retention policy pair of the form "db"."rp" the quotes are optional. The flag can be specified multiple times.
  -file string
    	Optional path to a YAML or JSON file containing the template-id, dbrps and vars of the task.
  -no-reload
    	Do not reload the task even if it is enabled.
  -template string
    	Optional template ID.
  -tick string
    	Path to the TICKscript.
  -type string
    	The task type (stream|batch); inferred from the script when absent.
  -vars string
    	Optional path to a JSON vars file.
`,
  'define-template': `Usage: kapacitor define-template <template ID> [-tick <path>] [-type <stream|batch>]

	Create or update a template.
	A template is defined via a TICKscript that declares typed vars, e.g. 'var window duration'.

Options:
  -tick string
    	Path to the TICKscript.
  -type string
    	The template type (stream|batch); inferred from the script when absent.
`,
  enable: `Usage: kapacitor enable [task ID | pattern]...

	Enable and start a task running from the live data.
	Arguments are glob patterns: 'kapacitor enable cpu*' enables every task whose ID starts with cpu.
`,
  disable: `Usage: kapacitor disable [task ID | pattern]...

	Disable and stop a task running. Arguments are glob patterns.
`,
  reload: `Usage: kapacitor reload [task ID | pattern]...

	Disable then enable a running task. Arguments are glob patterns.
`,
  delete: `Usage: kapacitor delete (tasks|templates|recordings|replays) [ID | pattern]...

	Delete tasks, templates, recordings or replays. Arguments are glob patterns.
`,
  list: `Usage: kapacitor list (tasks|templates|recordings|replays) [ID or pattern]...

	List tasks, templates, recordings or replays, optionally only those whose ID matches one of the glob patterns.
`,
  show: `Usage: kapacitor show [-replay <replay ID>] <task ID>

	Show details about a specific task.

	tickstream: with -replay the task ID may be left out; the replay's task is shown.

Options:
  -replay string
    	Optional replay ID. If set the task information is in the context of the running replay.
`,
  'show-template': `Usage: kapacitor show-template <template ID>

	Show details about a specific template.
`,
  level: `Usage: kapacitor level (debug|info|error)

	Sets the logging level on the kapacitord server.
`,
  stats: `Usage: kapacitor stats <general|ingress>

	Print stats about a certain aspect of Kapacitor.

	general - Display summary stats about Kapacitor.
	ingress - Display stats about the data Kapacitor is receiving by database, retention policy and measurement.
`,
  version: `Usage: kapacitor version

	Print version info.
`,
  vars: `Usage: kapacitor vars

	Print debug vars in JSON format.
`,
  help: `Usage: kapacitor help <command>

	Prints help for a command.
`,
  record: USAGE_RECORD,
  ...USAGES_RECORD,
  replay: USAGE_REPLAY,
  'export-recording': USAGE_EXPORT,
};
