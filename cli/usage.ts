/** Usage texts, worded after Kapacitor 1.8's `kapacitor` CLI (cmd/kapacitor/main.go). */
import { USAGE_EXPORT, USAGE_RECORD, USAGES_RECORD, USAGE_REPLAY } from './recordings.ts';

export const MAIN_USAGE = `Usage: kapacitor [options] [command] [args]

Commands:

	record                Record the result of a query or a snapshot of the current stream data.
	define                Create/update a task.
	define-template       Create/update a template.
	define-topic-handler  Create/update an alert handler for a topic.
	replay                Replay a recording to a task.
	enable                Enable and start running a task with live data.
	disable               Stop running a task.
	reload                Reload a running task with an updated task definition.
	delete                Delete tasks, templates, recordings, replays, topics or topic-handlers.
	list                  List information about tasks, templates, recordings, replays, topics or topic-handlers.
	show                  Display detailed information about a task.
	show-template         Display detailed information about a template.
	show-topic-handler    Display detailed information about an alert handler for a topic.
	show-topic            Display detailed information about an alert topic.
	level                 Sets the logging level on the kapacitord server.
	stats                 Display various stats about Kapacitor.
	version               Displays the Kapacitor version info.
	vars                  Print debug vars in JSON format.
	export-recording      (tickstream) Print a recording as line protocol.
	whatif                (tickstream) Replay points through autoscale tasks against a simulated cluster.
	test                  (tickstream) Run TICKscript fixtures in-process.
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
  delete: `Usage: kapacitor delete (tasks|templates|recordings|replays|topics|topic-handlers) [ID or pattern]...

	Delete tasks, templates, recordings, replays, topics or topic handlers. Arguments are glob patterns.
	An enabled task is disabled, then deleted; deleting a running recording or replay stops it.

	Deleting handlers requires that the topic ID be given before the handler patterns:

		$ kapacitor delete topic-handlers [topic ID] [handler ID or pattern]...
`,
  list: `Usage: kapacitor list (tasks|templates|recordings|replays|topics|topic-handlers) [ID or pattern]...

	List tasks, templates, recordings, replays, topics or handlers, optionally only those whose ID matches one of
	the glob patterns.

	Listing handlers requires that the topic ID or pattern be specified before the handler patterns.

		$ kapacitor list topic-handlers [topicID or pattern] [ID or pattern]

	For example list all handlers in the system topic

		$ kapacitor list topic-handlers system

	For example list all email* handlers in the system topic

		$ kapacitor list topic-handlers system email*
`,
  'define-topic-handler': `Usage: kapacitor define-topic-handler <path to handler spec file>

	Create or update a handler.

	A handler is defined via a JSON or YAML file.

For example:

	Define a handler using the slack.yaml file:

		$ kapacitor define-topic-handler slack.yaml
`,
  'show-topic-handler': `Usage: kapacitor show-topic-handler [topic ID] [handler ID]

	Show details about a specific handler.
`,
  'show-topic': `Usage: kapacitor show-topic [topic ID]

	Show details about a specific topic.
`,
  whatif: `Usage: kapacitor whatif -task <task ID> (-recording <recording ID> | -file <line protocol> [-db <db>] [-rp <rp>] [-precision <n|u|ms|s|m|h>]) [-compare <task ID>]... [-initial-replicas <n>] [-pod-capacity <n>] [-startup <duration>] [-load-field <field>] [-html <path>]

	Replay the points through the task's pipeline with its k8sAutoscale nodes scaling a simulated cluster
	(tickstream; nothing touches the live task or a real cluster), and print per resource the changes,
	replica range, pod-seconds (cost) and time under-provisioned (load above ready pods x pod capacity).
	With -compare, the other tasks replay the same points and are printed beside it.

Options:
  -compare string
    	Another task to replay over the same points (repeatable).
  -db string
    	Database of the points (default: the task's first dbrp).
  -file string
    	Line protocol file with the points to replay.
  -html string
    	Also write the report with charts to this HTML file.
  -initial-replicas int
    	Replicas every resource starts with (default 1).
  -load-field string
    	Field holding the load at the autoscale node (default: the first field the replicas lambda reads).
  -pod-capacity float
    	Load one ready pod serves (default 100).
  -precision string
    	Timestamp precision of the file (default ns).
  -recording string
    	A recording to replay (instead of -file).
  -rp string
    	Retention policy of the points (default: the task's first dbrp).
  -startup string
    	Time from a scale-up to its pods being ready (default 0s).
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
  test: `Usage: kapacitor test <fixture file or directory>...

	Run TICKscript fixtures in-process (no server needed) and report PASS/FAIL per fixture,
	with a diff (-expected +actual) for each expectation that failed.
	A fixture (YAML or JSON) holds a TICKscript, its vars and dbrp, input points as line protocol,
	and the expected httpOut bodies, node stats and k8sAutoscale replica decisions
	(k8sAutoscale runs against a simulated cluster). See docs/testing-tasks.md.
	A directory runs every *.fixture.yaml, *.fixture.yml and *.fixture.json below it.

	Exit status: 0 all passed, 1 an expectation failed, 2 a fixture file is bad.
`,
  record: USAGE_RECORD,
  ...USAGES_RECORD,
  replay: USAGE_REPLAY,
  'export-recording': USAGE_EXPORT,
};
