"""Test agent written against Google's protobuf runtime (Debian python3-protobuf), not tickstream's codec.

The udf.proto messages it needs are declared here from the proto's field numbers (a FileDescriptorProto built in
code: there is no protoc on the machine). Info: wants STREAM, provides STREAM, options
field(STRING) factor(DOUBLE) n(INT) on(BOOL) every(DURATION). For each point it answers one point: the same
time/name/db/rp/group/dimensions/tags/byName, fieldsDouble {<field>: value * factor}, every int, string and bool
field copied, and fieldsString["init"] = a JSON description of the Init request as protobuf decoded it.
"""
import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool

try:
    from google.protobuf.message_factory import GetMessageClass
except ImportError:  # protobuf < 4
    from google.protobuf import message_factory
    _factory = message_factory.MessageFactory()

    def GetMessageClass(d):
        return _factory.GetPrototype(d)

F = descriptor_pb2.FieldDescriptorProto
fdp = descriptor_pb2.FileDescriptorProto(name='udf_test.proto', package='agent', syntax='proto3')
for name, values in (('EdgeType', ['STREAM', 'BATCH']), ('ValueType', ['BOOL', 'INT', 'DOUBLE', 'STRING', 'DURATION'])):
    e = fdp.enum_type.add(name=name)
    for i, v in enumerate(values):
        e.value.add(name=v, number=i)


def message(name, fields, oneof=None):
    m = fdp.message_type.add(name=name)
    if oneof:
        m.oneof_decl.add(name=oneof)
    for fname, num, ftype, extra in fields:
        f = m.field.add(name=fname, number=num, type=ftype, label=F.LABEL_REPEATED if extra.get('repeated') else F.LABEL_OPTIONAL)
        if 'type_name' in extra:
            f.type_name = extra['type_name']
        if extra.get('oneof'):
            f.oneof_index = 0
    return m


def map_field(m, fname, num, value_type, value_type_name=None):
    entry_name = fname[0].upper() + fname[1:] + 'Entry'
    e = m.nested_type.add(name=entry_name)
    e.options.map_entry = True
    e.field.add(name='key', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    v = e.field.add(name='value', number=2, type=value_type, label=F.LABEL_OPTIONAL)
    if value_type_name:
        v.type_name = value_type_name
    m.field.add(name=fname, number=num, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED, type_name='.agent.%s.%s' % (m.name, entry_name))


S, I64, D, B, E, M, BY = F.TYPE_STRING, F.TYPE_INT64, F.TYPE_DOUBLE, F.TYPE_BOOL, F.TYPE_ENUM, F.TYPE_MESSAGE, F.TYPE_BYTES
message('InfoRequest', [])
info = message('InfoResponse', [('wants', 1, E, {'type_name': '.agent.EdgeType'}), ('provides', 2, E, {'type_name': '.agent.EdgeType'})])
map_field(info, 'options', 3, M, '.agent.OptionInfo')
message('OptionInfo', [('valueTypes', 1, E, {'type_name': '.agent.ValueType', 'repeated': True})])
message('InitRequest', [('options', 1, M, {'type_name': '.agent.Option', 'repeated': True}), ('taskID', 2, S, {}), ('nodeID', 3, S, {})])
message('Option', [('name', 1, S, {}), ('values', 2, M, {'type_name': '.agent.OptionValue', 'repeated': True})])
message('OptionValue', [('type', 1, E, {'type_name': '.agent.ValueType'}), ('boolValue', 2, B, {'oneof': True}), ('intValue', 3, I64, {'oneof': True}),
                        ('doubleValue', 4, D, {'oneof': True}), ('stringValue', 5, S, {'oneof': True}), ('durationValue', 6, I64, {'oneof': True})], oneof='value')
message('InitResponse', [('success', 1, B, {}), ('error', 2, S, {})])
message('SnapshotRequest', [])
message('SnapshotResponse', [('snapshot', 1, BY, {})])
message('RestoreRequest', [('snapshot', 1, BY, {})])
message('RestoreResponse', [('success', 1, B, {}), ('error', 2, S, {})])
message('KeepaliveRequest', [('time', 1, I64, {})])
message('KeepaliveResponse', [('time', 1, I64, {})])
message('ErrorResponse', [('error', 1, S, {})])
bb = message('BeginBatch', [('name', 1, S, {}), ('group', 2, S, {}), ('size', 4, I64, {}), ('byName', 5, B, {})])
map_field(bb, 'tags', 3, S)
pt = message('Point', [('time', 1, I64, {}), ('name', 2, S, {}), ('database', 3, S, {}), ('retentionPolicy', 4, S, {}), ('group', 5, S, {}),
                       ('dimensions', 6, S, {'repeated': True}), ('byName', 11, B, {})])
map_field(pt, 'tags', 7, S)
map_field(pt, 'fieldsDouble', 8, D)
map_field(pt, 'fieldsInt', 9, I64)
map_field(pt, 'fieldsString', 10, S)
map_field(pt, 'fieldsBool', 12, B)
eb = message('EndBatch', [('name', 1, S, {}), ('group', 2, S, {}), ('tmax', 3, I64, {}), ('byName', 5, B, {})])
map_field(eb, 'tags', 4, S)
req_members = [('info', 1, 'InfoRequest'), ('init', 2, 'InitRequest'), ('keepalive', 3, 'KeepaliveRequest'), ('snapshot', 4, 'SnapshotRequest'),
               ('restore', 5, 'RestoreRequest'), ('begin', 16, 'BeginBatch'), ('point', 17, 'Point'), ('end', 18, 'EndBatch')]
res_members = [('info', 1, 'InfoResponse'), ('init', 2, 'InitResponse'), ('keepalive', 3, 'KeepaliveResponse'), ('snapshot', 4, 'SnapshotResponse'),
               ('restore', 5, 'RestoreResponse'), ('error', 6, 'ErrorResponse'), ('begin', 16, 'BeginBatch'), ('point', 17, 'Point'), ('end', 18, 'EndBatch')]
message('Request', [(n, num, M, {'type_name': '.agent.' + t, 'oneof': True}) for n, num, t in req_members], oneof='message')
message('Response', [(n, num, M, {'type_name': '.agent.' + t, 'oneof': True}) for n, num, t in res_members], oneof='message')

pool = descriptor_pool.DescriptorPool()
pool.Add(fdp)
Request = GetMessageClass(pool.FindMessageTypeByName('agent.Request'))
Response = GetMessageClass(pool.FindMessageTypeByName('agent.Response'))
ValueTypeNames = ['BOOL', 'INT', 'DOUBLE', 'STRING', 'DURATION']

inp = sys.stdin.buffer
out = sys.stdout.buffer


def read_varint():
    shift, result = 0, 0
    while True:
        b = inp.read(1)
        if not b:
            return None
        result |= (b[0] & 0x7f) << shift
        if b[0] < 0x80:
            return result
        shift += 7


def write(resp):
    data = resp.SerializeToString()
    n = len(data)
    head = bytearray()
    while n > 0x7f:
        head.append((n & 0x7f) | 0x80)
        n >>= 7
    head.append(n)
    out.write(bytes(head) + data)
    out.flush()


field, factor, init_desc = 'v', 1.0, ''
while True:
    size = read_varint()
    if size is None:
        break
    req = Request()
    req.ParseFromString(inp.read(size))
    kind = req.WhichOneof('message')
    resp = Response()
    if kind == 'info':
        resp.info.wants = 0
        resp.info.provides = 0
        for name, t in (('field', 3), ('factor', 2), ('n', 1), ('on', 0), ('every', 4)):
            resp.info.options[name].valueTypes.append(t)
        write(resp)
    elif kind == 'init':
        opts = []
        for o in req.init.options:
            vals = []
            for v in o.values:
                which = v.WhichOneof('value')
                vals.append([ValueTypeNames[v.type], which, getattr(v, which) if which else None])
                if o.name == 'field':
                    field = v.stringValue
                if o.name == 'factor':
                    factor = v.doubleValue
            opts.append([o.name, vals])
        init_desc = json.dumps({'task': req.init.taskID, 'node': req.init.nodeID, 'options': opts}, sort_keys=True)
        resp.init.success = True
        write(resp)
    elif kind == 'keepalive':
        resp.keepalive.time = req.keepalive.time
        write(resp)
    elif kind == 'point':
        p = req.point
        q = resp.point
        q.time, q.name, q.database, q.retentionPolicy, q.group, q.byName = p.time, p.name, p.database, p.retentionPolicy, p.group, p.byName
        q.dimensions.extend(p.dimensions)
        for k, v in p.tags.items():
            q.tags[k] = v
        if field in p.fieldsDouble:
            q.fieldsDouble[field] = p.fieldsDouble[field] * factor
        for k, v in p.fieldsInt.items():
            q.fieldsInt[k] = v
        for k, v in p.fieldsString.items():
            q.fieldsString[k] = v
        for k, v in p.fieldsBool.items():
            q.fieldsBool[k] = v
        q.fieldsString['init'] = init_desc
        write(resp)
