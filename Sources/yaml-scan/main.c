/* The benchmark's floor: how long libyaml alone needs to scan a file into events.
 * Usage: yaml-scan FILE. Prints the number of events; exits 1 on a parse error. */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: yaml-scan FILE\n"); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    yaml_parser_t parser;
    yaml_event_t event;
    unsigned long events = 0;
    int done = 0, status = 0;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%lu:%lu: %s\n", argv[1], (unsigned long)parser.problem_mark.line + 1,
                    (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "error");
            status = 1;
            break;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        events++;
    }
    yaml_parser_delete(&parser);
    fclose(f);
    printf("%lu events\n", events);
    return status;
}
