// A shared library that is not a Qt plugin at all.
extern "C" int afcgi_test_not_a_plugin()
{
    return 42;
}
