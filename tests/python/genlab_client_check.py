"""Drive running genlab services from Python, as any team's integration would.

Stubs are generated from genlab's .proto files beforehand (see README, "Clients in other
languages"); this script only imports them. Usage:

    python3 genlab_client_check.py STUBS_DIR DATASETS_ADDR TRAINING_ADDR GENERATION_ADDR

Prints one JSON object with what it observed; exits non-zero on any failure.
"""
import json
import sys
from array import array

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from genlab.datasets.v1 import datasets_pb2, datasets_pb2_grpc  # noqa: E402
from genlab.generation.v1 import generation_pb2, generation_pb2_grpc  # noqa: E402
from genlab.training.v1 import training_pb2, training_pb2_grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from grpc_reflection.v1 import reflection_pb2, reflection_pb2_grpc  # noqa: E402

datasets_addr, training_addr, generation_addr = sys.argv[2:5]
TIMEOUT = 60


def health(address, service):
    with grpc.insecure_channel(address) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


def reflected_services(address):
    with grpc.insecure_channel(address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        replies = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=TIMEOUT)
        reply = next(replies)
        return sorted(s.name for s in reply.list_services_response.service)


def samples(generation, run_id, seed):
    values = array("f")
    shape = None
    for chunk in generation.Sample(generation_pb2.SampleRequest(run_id=run_id, count=16, seed=seed), timeout=TIMEOUT):
        shape = list(chunk.shape)
        values.frombytes(chunk.values)  # little-endian float32, as the proto documents
    return shape, values


def main():
    observed = {
        "health": {
            "training": health(training_addr, "genlab.training.v1.TrainingService"),
            "generation": health(generation_addr, "genlab.generation.v1.GenerationService"),
        },
        "reflection": reflected_services(training_addr),
    }
    datasets = datasets_pb2_grpc.DatasetServiceStub(grpc.insecure_channel(datasets_addr))
    training = training_pb2_grpc.TrainingServiceStub(grpc.insecure_channel(training_addr))
    generation = generation_pb2_grpc.GenerationServiceStub(grpc.insecure_channel(generation_addr))

    ring = datasets.CreateSynthetic(
        datasets_pb2.CreateSyntheticRequest(name="ring8-py", generator="ring8", num_examples=2000, seed=1, test_count=500), timeout=TIMEOUT
    )
    experiment = training.CreateExperiment(training_pb2.CreateExperimentRequest(name="from-python"), timeout=TIMEOUT)
    config = {"likelihood": "gaussian", "latentDim": 2, "hiddenDims": [16], "maxSteps": 40}
    run = training.StartRun(
        training_pb2.StartRunRequest(experiment_id=experiment.id, dataset_id=ring.id, family="vae", config_json=json.dumps(config), seed=5),
        timeout=TIMEOUT,
    )
    final = None
    for event in training.StreamRunEvents(training_pb2.StreamRunEventsRequest(run_id=run.id), timeout=300):
        if event.WhichOneof("event") == "status":
            final = training_pb2.RunStatus.Name(event.status.status)
    observed["run"] = {"id": run.id, "final_status": final}

    shape, first = samples(generation, run.id, 3)
    _, again = samples(generation, run.id, 3)
    _, other = samples(generation, run.id, 4)
    observed["sample"] = {
        "shape": shape,
        "values": len(first),
        "same_seed_identical": first.tobytes() == again.tobytes(),
        "other_seed_differs": first.tobytes() != other.tobytes(),
    }
    try:
        training.GetRun(training_pb2.GetRunRequest(id="no-such-run"), timeout=TIMEOUT)
        observed["unknown_run"] = "OK"
    except grpc.RpcError as error:
        observed["unknown_run"] = error.code().name
    print(json.dumps(observed))


if __name__ == "__main__":
    main()
