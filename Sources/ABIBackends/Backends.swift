import ABIModel
