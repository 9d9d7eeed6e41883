def pytest_generate_tests(metafunc):
    """Run a conformance test once per object the connector's test class names."""
    if "object_name" in metafunc.fixturenames and metafunc.cls is not None:
        metafunc.parametrize("object_name", metafunc.cls.objects_under_test)
