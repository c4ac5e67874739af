#!/usr/bin/env python3
"""The GP's consult over gRPC, with Debian's python3-grpcio and python3-protobuf and nothing generated.

Like the Node examples it learns the API through gRPC server reflection alone: grpcio-reflection is not packaged by
Debian, so the few reflection messages it needs are declared here as descriptors, and the server's answers (the
FileDescriptorProtos of referralnet.v1 and their imports) fill a descriptor pool from which the request and response
classes are made. Then: FindServiceUserByBsn (the BSN travels in the message, never in a URL), GetNetworkView as far
as the practice's consent reaches, and a refusal (a three-digit BSN is INVALID_ARGUMENT).

Usage: /usr/bin/python3 network_view_grpc.py <token> [bsn] [address]
  token    development bearer token of a GP (dev-token --member karim.haddou@hap-moerwijkzuid.example)
  bsn      the patient's BSN, default the demo's Naima Bakkali (111222333, fictional)
  address  host:port of the server, default localhost:5080

Exit codes: 0 ok, 1 usage or unexpected error, 3 reflection failed or a service is not offered, 4 a call failed.
"""
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

DEADLINE_SECONDS = 10
SERVICE_USERS = "referralnet.v1.ServiceUsersService"
NETWORK_VIEW = "referralnet.v1.NetworkViewService"


class Failed(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def message_class(pool, full_name):
    descriptor = pool.FindMessageTypeByName(full_name)
    get_class = getattr(message_factory, "GetMessageClass", None)  # protobuf 4.22 and later
    return get_class(descriptor) if get_class else message_factory.MessageFactory(pool).GetPrototype(descriptor)


def reflection_messages():
    """grpc/reflection/v1/reflection.proto, as far as this client uses it: the request by symbol or file name, and the
    answer with serialized FileDescriptorProtos or an error."""
    proto = descriptor_pb2.FileDescriptorProto(name="grpc/reflection/v1/reflection.proto", package="grpc.reflection.v1", syntax="proto3")
    field = descriptor_pb2.FieldDescriptorProto
    request = proto.message_type.add(name="ServerReflectionRequest")
    request.oneof_decl.add(name="message_request")
    for name, number in (("host", 1), ("file_by_filename", 3), ("file_containing_symbol", 4)):
        request.field.add(name=name, number=number, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL, **({} if number == 1 else {"oneof_index": 0}))
    files = proto.message_type.add(name="FileDescriptorResponse")
    files.field.add(name="file_descriptor_proto", number=1, type=field.TYPE_BYTES, label=field.LABEL_REPEATED)
    error = proto.message_type.add(name="ErrorResponse")
    error.field.add(name="error_code", number=1, type=field.TYPE_INT32, label=field.LABEL_OPTIONAL)
    error.field.add(name="error_message", number=2, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
    response = proto.message_type.add(name="ServerReflectionResponse")
    response.oneof_decl.add(name="message_response")
    response.field.add(name="valid_host", number=1, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
    response.field.add(name="file_descriptor_response", number=4, type=field.TYPE_MESSAGE, label=field.LABEL_OPTIONAL,
                       type_name=".grpc.reflection.v1.FileDescriptorResponse", oneof_index=0)
    response.field.add(name="error_response", number=7, type=field.TYPE_MESSAGE, label=field.LABEL_OPTIONAL,
                       type_name=".grpc.reflection.v1.ErrorResponse", oneof_index=0)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_class(pool, "grpc.reflection.v1.ServerReflectionRequest"), message_class(pool, "grpc.reflection.v1.ServerReflectionResponse")


def reflect(channel, symbols):
    """A descriptor pool holding the files that define symbols, with every file they import, as the server sends them."""
    request_class, response_class = reflection_messages()
    info = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                 request_serializer=request_class.SerializeToString, response_deserializer=response_class.FromString)
    received = {}

    def ask(**request):
        try:
            answers = list(info(iter([request_class(**request)]), timeout=DEADLINE_SECONDS))
        except grpc.RpcError as error:
            raise Failed(3, f"reflection failed: {error.code().name}: {error.details()}") from None
        for answer in answers:
            if answer.HasField("error_response"):
                raise Failed(3, f"reflection of {request}: {answer.error_response.error_message}")
            for data in answer.file_descriptor_response.file_descriptor_proto:
                file = descriptor_pb2.FileDescriptorProto.FromString(data)
                received.setdefault(file.name, file)

    for symbol in symbols:
        ask(file_containing_symbol=symbol)
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        if name not in received:
            ask(file_by_filename=name)
        for dependency in received[name].dependency:
            add(dependency)
        pool.Add(received[name])
        added.add(name)

    for name in list(received):
        add(name)
    return pool


def unary(channel, pool, service, method, request, metadata):
    """Calls service/method with request (a dict of fields) and returns the response message."""
    descriptor = pool.FindServiceByName(service).FindMethodByName(method)
    request_class = message_class(pool, descriptor.input_type.full_name)
    response_class = message_class(pool, descriptor.output_type.full_name)
    call = channel.unary_unary(f"/{service}/{method}", request_serializer=request_class.SerializeToString, response_deserializer=response_class.FromString)
    return call(request_class(**request), metadata=metadata, timeout=DEADLINE_SECONDS)


def enum_name(message, field):
    return message.DESCRIPTOR.fields_by_name[field].enum_type.values_by_number[getattr(message, field)].name


def main(args):
    if not 1 <= len(args) <= 3 or args[0] in ("-h", "--help"):
        print("usage: python3 network_view_grpc.py <token> [bsn] [address]", file=sys.stderr)
        return 1
    token = args[0]
    bsn = args[1] if len(args) > 1 else "111222333"
    address = args[2] if len(args) > 2 else "localhost:5080"
    metadata = [("authorization", f"Bearer {token}")]

    with grpc.insecure_channel(address) as channel:
        pool = reflect(channel, [SERVICE_USERS, NETWORK_VIEW])
        print(f"reflection: {SERVICE_USERS}, {NETWORK_VIEW} and {len(pool.FindFileContainingSymbol(NETWORK_VIEW).dependencies)} imports of their file")
        try:
            person = unary(channel, pool, SERVICE_USERS, "FindServiceUserByBsn", {"bsn": bsn}, metadata).service_user
            print(f"service user: {person.given_name} {person.family_name}, {person.neighbourhood}, speaks {', '.join(person.languages)}")
            view = unary(channel, pool, NETWORK_VIEW, "GetNetworkView", {"service_user_id": person.id}, metadata).view
        except grpc.RpcError as error:
            raise Failed(4, f"{error.code().name}: {error.details()}") from None

        domains = [d.name for d in view.DESCRIPTOR.fields_by_name["visible_life_domains"].enum_type.values if d.number in view.visible_life_domains]
        print(f"basis: {enum_name(view, 'basis')}; visible domains: {', '.join(domains)}")
        if view.HasField("coordinator"):
            print(f"coordinator: {view.coordinator.member_display_name or view.coordinator.involvement.member_id} ({view.coordinator.organization_name})")
        print("care team:")
        for entry in view.care_team:
            who = entry.member_display_name or entry.spanner_display_name
            print(f"  {enum_name(entry.involvement, 'role')} | {entry.organization_name or entry.involvement.organization_id} | {who}")
        print("open needs:")
        for open_need in view.open_needs:
            print(f"  {enum_name(open_need.need, 'life_domain')} ({enum_name(open_need.need, 'severity')}): {open_need.need.description}")
        for withheld in view.withheld:
            print(f"withheld: {enum_name(withheld, 'life_domain')}: {withheld.needs} needs (ask the coordinator)")
        if not view.open_needs:
            raise Failed(4, "the view shows no open need")

        # How a refusal looks over gRPC: the status code and message (the details travel in grpc-status-details-bin).
        try:
            unary(channel, pool, SERVICE_USERS, "FindServiceUserByBsn", {"bsn": "123"}, metadata)
        except grpc.RpcError as error:
            print(f"refused as expected: {error.code().name}: {error.details()}")
            if error.code() != grpc.StatusCode.INVALID_ARGUMENT or "bsn" not in error.details():
                raise Failed(4, "the refusal is not INVALID_ARGUMENT naming bsn") from None
        else:
            raise Failed(4, "a three-digit BSN was accepted")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failed as failure:
        print(f"error: {failure}", file=sys.stderr)
        sys.exit(failure.code)
    except (OSError, ValueError, KeyError, TypeError) as failure:
        print(f"error: {failure!r}", file=sys.stderr)
        sys.exit(1)
